import express, { type Router } from 'express';

// SCAFFOLD: replaced by the web page's implementation before commit.
export function webPage(): Router {
  return express.Router();
}
