"""The DfE SEN2 return: field specification, exporter and validator."""
