"""Colour arithmetic for brand colours (WCAG 2.x relative luminance and contrast)."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_color_on(hex_color: str) -> str:
    """White or near-black, whichever has the higher contrast on `hex_color`."""
    return "#ffffff" if contrast_ratio("#ffffff", hex_color) >= contrast_ratio("#111827", hex_color) else "#111827"


def readable_on_white(hex_color: str) -> str:
    """`hex_color` when it reads as text on white (AA, 4.5:1), else a dark grey that does."""
    return hex_color if contrast_ratio(hex_color, "#ffffff") >= 4.5 else "#1f2937"
