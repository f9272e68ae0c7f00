// Filled in with the Postgres template database by the foundation work.
export default function setup(): void {}
