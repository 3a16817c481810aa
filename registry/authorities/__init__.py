"""Registration authorities (登记管理机关): the civil-affairs departments."""
