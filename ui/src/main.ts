import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// Start-up milestones for the benchmark (tests/bench/src/window.rs): the bundle is parsed and its
// modules have run; then Svelte has mounted the app (App.svelte marks "mtm:ready").
performance.mark('mtm:bundle-run');
const target = document.getElementById('app');
if (!target) throw new Error('missing #app');
const app = mount(App, { target });
performance.mark('mtm:mounted');
export default app;
