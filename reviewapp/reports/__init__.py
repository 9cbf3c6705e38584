"""Campaign statistics: counts by province, unit, theme and organization type, SVG charts, .xlsx."""
