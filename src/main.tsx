import { mountApp } from './app';
import './ui/styles.css';

const root = document.getElementById('app');
if (root) mountApp(root);
