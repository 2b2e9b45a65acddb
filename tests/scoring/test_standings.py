"""A league's board read from the database: which of a unit's yearly targets its 完成度 is measured against."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sanfuwu.scoring.models import Indicator, League, ManualValue, Source, UnitTarget
from sanfuwu.scoring.standings import league_board
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_it_ranks_each_unit_against_its_own_target_for_the_periods_year_only(world: World) -> None:
    # A cap of 2 so that no completion below is clipped and each target shows in the index.
    gdp = Indicator.objects.create(
        league=League.TERRITORY, name="规上工业增加值", source=Source.MANUAL, unit="亿元", weight=100,
        target=Decimal("100"), cap=Decimal("2"), min_cases=1,
    )  # fmt: skip
    streets = (world.xiasha, world.baiyang, world.park)
    for month in (date(2024, 1, 1), date(2025, 1, 1)):
        for street in streets:
            ManualValue.objects.create(indicator=gdp, region=street, month=month, value=Decimal("120"))
    UnitTarget.objects.create(indicator=gdp, region=world.xiasha, year=2025, target=Decimal("150"))
    UnitTarget.objects.create(indicator=gdp, region=world.xiasha, year=2024, target=Decimal("80"))
    # 白杨 has a target for 2024 only: in 2025 it is measured against the indicator's default.
    UnitTarget.objects.create(indicator=gdp, region=world.baiyang, year=2024, target=Decimal("60"))

    def board(year: int) -> dict[str, tuple[float | None, float | None, int | None]]:
        b = league_board(League.TERRITORY, date(year, 1, 1), date(year, 1, 31))
        return {
            b.name(s.unit): (s.scores[gdp.pk].completion, round(s.index or 0, 2), s.rank) for s in b.standings
        }

    # January 2025: 下沙 120 / 150 = 0.8; 白杨 and 医药港 120 / 100 = 1.2 and share the first place.
    assert board(2025) == {
        "下沙街道": (pytest.approx(0.8), 80.0, 3),
        "白杨街道": (pytest.approx(1.2), 120.0, 1),
        "医药港小镇": (pytest.approx(1.2), 120.0, 1),
    }
    # January 2024, the same values against 2024's targets: 白杨 120 / 60 = 2.0, 下沙 120 / 80 = 1.5.
    assert board(2024) == {
        "下沙街道": (pytest.approx(1.5), 150.0, 2),
        "白杨街道": (pytest.approx(2.0), 200.0, 1),
        "医药港小镇": (pytest.approx(1.2), 120.0, 3),
    }
