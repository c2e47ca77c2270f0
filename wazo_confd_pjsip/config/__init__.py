from .loader import DEFAULT_CONFIG, load_config, merge_configs

__all__ = ['DEFAULT_CONFIG', 'load_config', 'merge_configs']
