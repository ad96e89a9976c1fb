"""Report formats read by CI systems: JUnit, SARIF, GitHub annotations, GitLab Code Quality."""
