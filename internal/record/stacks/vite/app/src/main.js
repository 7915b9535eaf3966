export const greeting = 'hello from the dev server';
