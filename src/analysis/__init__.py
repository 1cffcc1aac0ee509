"""closeout-analysis: completion reports (结项报告) as traced figures, metrics, findings and HTML."""

__version__ = "0.1.0"
