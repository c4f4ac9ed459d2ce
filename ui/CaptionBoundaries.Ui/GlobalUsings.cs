// The chart geometry the console shares with exported reports (ChartBox, ticks, smoothing, layouts).
global using CaptionBoundaries.Application.Charts;
