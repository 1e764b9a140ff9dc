"""Caesar Archive: a secure archive for photographic evidence of deaths in detention."""

__version__ = "0.1.0"
