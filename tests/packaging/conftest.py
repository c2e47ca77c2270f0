def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: builds something for real (several seconds)')
