"""trainer: practise difficult customer calls with an AI caller, offline."""

__version__ = "0.1.0"
