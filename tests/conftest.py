pytest_plugins = ["tests.testweb.plugin"]
