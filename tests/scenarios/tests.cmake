# scenarios tests
