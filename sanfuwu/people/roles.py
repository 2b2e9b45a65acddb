"""Who may do what, by role: every set of roles the product grants something to, named once.

A superuser passes every check as an administrator would. Two sets hold the same roles under two
names where what they grant could sensibly change on its own; one name is used wherever the same
thing is granted."""

from __future__ import annotations

from sanfuwu.people.models import Role

# Pages open to anyone signed in, because their rows already follow each reader's scope.
EVERYONE = frozenset(Role.values)

# See the whole district whatever their unit; so only someone who already does may grant these
# roles or edit an account that holds one.
DISTRICT_WIDE = frozenset({Role.ADMIN, Role.LEADER})

# Register issues: the grid worker on a visit, the dispatcher on the phone, the administrator.
REGISTRARS = frozenset({Role.VISITOR, Role.DISPATCHER, Role.ADMIN})

# A department's staff: they sign for, handle and resolve its issues, open its worklist and may
# stand in for one another (代理). A head (负责人) handles too, and besides assigns the work.
DEPARTMENT_STAFF = frozenset({Role.HANDLER, Role.HEAD})

# Call raisers back for the answer and the return visit (答复、回访): they read the raiser's name
# and phone in full while an issue in their territory waits for those calls (it is resolved);
# otherwise, like everyone but the department handling it and its registrar, they read them masked.
RAISER_CALLERS = frozenset({Role.DISPATCHER})

# See on the home page how many staff work within their reach: those who direct people.
HEADCOUNT_READERS = frozenset({Role.ADMIN, Role.LEADER, Role.DISPATCHER})

# See the overdue and supervised (督办) counts first on the home page: those who press for them.
SUPERVISION_WATCHERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})

# Print a supervised issue's notice (督办通知书): those who press for it, and the dispatcher who sends
# it to the department.
NOTICE_PRINTERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER, Role.ADMIN})

# Add and edit contact targets, by hand or from a spreadsheet: grid workers keep their grid's list.
TARGET_EDITORS = frozenset({Role.ADMIN, Role.DISPATCHER, Role.VISITOR})

# Record a visit (and search the targets for one): leaders visit firms too, not only grid workers.
VISIT_RECORDERS = frozenset({Role.VISITOR, Role.DISPATCHER, Role.LEADER, Role.ADMIN})

# Work across units: the people directory and its export, and campaigns (集中走访) in the menu.
COORDINATORS = frozenset({Role.ADMIN, Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR})

# Oversee a territory's visiting: every pairing in it (not only their own) and its coverage by
# region.
OVERSEERS = frozenset({Role.ADMIN, Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR})

# Pair a grid's targets with a person (包联) on the pairings page.
PAIRING_ASSIGNERS = frozenset({Role.ADMIN, Role.DISPATCHER})

# The office's spreadsheets: import pairings, visits, the issue ledger and manual indicator values,
# and export the manual values to fill in and import back. Desk work, not the grid's.
IMPORTERS = frozenset({Role.ADMIN, Role.DISPATCHER})

# Import people with their roles: accounts are the administrator's alone.
PEOPLE_IMPORTERS = frozenset({Role.ADMIN})

# Open the dashboard (数据驾驶舱): those who steer the race, and a department's handlers for its part.
DASHBOARD_READERS = frozenset(
    {Role.LEADER, Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.HANDLER, Role.HEAD}
)

# Download a territory's bulletin (通报), the report that goes up and around.
BULLETIN_READERS = frozenset({Role.LEADER, Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})

# Chair review meetings (测评): see every meeting while it runs, and close it to publish the
# results. One set for both, because a meeting can be closed only by someone who sees it.
MEETING_CHAIRS = frozenset({Role.ADMIN, Role.LEADER})

# Find the review meetings in the menu: the chairs, and the evaluators who score.
REVIEW_PARTICIPANTS = MEETING_CHAIRS | {Role.EVALUATOR}

# See the territory's enterprise figures on the home page (enterprises, industries, the units one
# level down): those who direct work across it. To a handler, a grid worker, an evaluator or a
# supervisor a district's enterprise count means nothing for the day's work.
TERRITORY_FIGURE_READERS = frozenset({Role.ADMIN, Role.LEADER, Role.DISPATCHER})

# Watch the public channel (网上诉求) for floods: the dispatchers its problems reach, and the
# administrator who would block an address.
CHANNEL_WATCHERS = frozenset({Role.ADMIN, Role.DISPATCHER})

# 共性问题 and 专题协调: the office that reads what many places share. The leadership raises and
# decides (sanfuwu.coordination.services.LEADERSHIP); departments see the items that task them.
COMMON_READERS = frozenset({Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER})
# Read 专题协调 of their territory (evaluators too, for review meetings).
COORDINATION_READERS = COMMON_READERS | {Role.EVALUATOR}
# Raise, decide, hand out and close 专题协调.
COORDINATION_LEADERS = frozenset({Role.LEADER, Role.ADMIN})
