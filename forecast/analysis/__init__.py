"""Analysis of simulated seasons: conditional odds, match importance, scenario comparison."""
