"""The GraphQL layer: types, resolvers and the schema; domain logic lives in the domain packages."""
