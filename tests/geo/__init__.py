"""Tests of the geo package."""
