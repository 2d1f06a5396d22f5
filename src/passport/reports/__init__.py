"""Reports across children: statutory returns (SEN2) and charts."""
