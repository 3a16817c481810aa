"""The public open-data API (flask-smorest): resources, schemas, pagination, the committed spec."""
