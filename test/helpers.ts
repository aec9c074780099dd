// The article helpers live in test/support/article.ts; this file stays only for the tests of the core rewrite
// (test/core/, test/data/), which import it, until they import test/support/article.js themselves.
export * from './support/article.js';
