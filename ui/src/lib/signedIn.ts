// Everything the app shows once signed in, as its own chunk: App.svelte loads it with a dynamic
// import() while the admin types on the sign-in screen, so the start-up bundle holds little more
// than the sign-in screen (and a remembered sign-in waits for it before showing the list).
export { default as Header } from './Header.svelte';
export { default as Tokens } from './Tokens.svelte';
export { default as SavedKeys } from './SavedKeys.svelte';
export { default as SignOutDialog } from './SignOutDialog.svelte';
