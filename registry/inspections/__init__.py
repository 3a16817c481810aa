"""Annual reports and the annual inspection (年检 / 年度工作报告)."""
