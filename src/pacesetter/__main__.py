from pacesetter.cli import main

main()
