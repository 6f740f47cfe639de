# bad tests
