from sanfuwu.cli import main

main()
