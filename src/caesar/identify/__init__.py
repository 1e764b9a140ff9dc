"""Identification: families' reports of the missing, explainable matching against cases,
review by two people, and disclosure to a family one agreed step at a time."""
