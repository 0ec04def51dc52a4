"""Request and response schemas, one module per bounded context: XxxIn, XxxPatch, XxxOut."""
