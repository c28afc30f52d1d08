import './platform/frame-guard';
import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/global.css';
import { jobs } from './app/jobs.svelte';

// Benchmarks measure from here: the app's own start, apart from loading its scripts.
performance.mark('decant-start');
mount(App, { target: document.getElementById('app')! });
// Job runs a closed tab left RUNNING are marked interrupted at load, whatever page opens first.
jobs();
