"""cwsim: a stateful, multi-tenant simulator of the ConnectWise Manage REST API v3.0."""

__version__ = "0.1.0"
