"""Exports for partners and the secretariat: the plan's structure, values,
activity updates, scores and completeness as CSV, XLSX and JSON (docs/exports.md)."""
