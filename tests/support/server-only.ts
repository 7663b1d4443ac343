// Stands in for the `server-only` marker package, which throws outside a React Server Components bundle.
export {};
