# mocks tests
