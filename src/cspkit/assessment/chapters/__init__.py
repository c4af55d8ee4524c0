"""One module per chapter of the assessment; each turns evidence into a :class:`Section`."""
