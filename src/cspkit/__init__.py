"""cspkit: a Community Safety Partnership's strategic assessment, plan and consultation toolkit."""

__version__ = "0.1.0"
