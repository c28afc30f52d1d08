import './platform/frame-guard';
import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/global.css';
import { bootApp } from './app/boot';

// Benchmarks measure from here: the app's own start, apart from loading its scripts.
performance.mark('decant-start');
mount(App, { target: document.getElementById('app')!, props: { app: bootApp() } });
