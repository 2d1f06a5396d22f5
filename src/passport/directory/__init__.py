"""The service directory: providers and services, imported and published as Open Referral UK."""
