"""Carbon labels: the signed payload, its QR link, SVG/PNG rendering and offline reading."""
