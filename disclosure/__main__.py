from disclosure.cli import main

main()
