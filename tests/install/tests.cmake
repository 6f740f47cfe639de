# install tests
