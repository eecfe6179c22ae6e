"""GraphQL of KPI readings: kpiReadingsRecord, employeeIdentityLink, the quarantine."""
