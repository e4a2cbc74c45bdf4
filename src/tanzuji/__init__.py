"""Tanzuji (碳足迹): product carbon footprint management per GB/T 24067-2024 / ISO 14067."""

__version__ = "0.1.0"
