"""journeyaudit: walk a web shop the way a customer does and report where it lets them down."""

__version__ = "0.1.0"
