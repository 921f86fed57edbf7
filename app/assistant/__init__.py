"""The citizens' assistant: finds procedures in the catalogue, states their facts, and answers about own affairs."""
