"""GraphQL of evaluations: types, loaders, queries and the workflow mutations."""
