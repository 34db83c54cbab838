import { createApp } from 'vue';
import App from './App.vue';
import { whenUnauthenticated } from './lib/api';
import { logout } from './lib/session';
import { router } from './router';
import './styles.css';

whenUnauthenticated((message) => {
  logout(`登录已失效，请重新登录（${message}）`);
  void router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } });
});

createApp(App).use(router).mount('#app');
