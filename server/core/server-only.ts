// `import "server-only"` outside Next's bundler (the server process under tsx, scripts,
// Vitest): nothing to do. Inside Next's bundles, Next's own alias takes the name: a module
// marked server-only fails the build of any browser chunk that imports it (tsconfig.json's
// "paths" sends the name here for everything else).
export {};
