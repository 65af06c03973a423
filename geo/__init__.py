"""Offline gazetteer and geoparser for the Russia–Ukraine war's places."""
