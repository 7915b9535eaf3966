document.body.dataset.app = 'webpack';
