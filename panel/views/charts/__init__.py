"""Charts drawn with pyqtgraph (imported when a chart is first shown): time charts with one
y-axis per unit, a hover read-out, zoom/pan and a throttled refresh."""
