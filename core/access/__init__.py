"""Who may see a case: confidentiality levels, exclusions and break-glass access."""
